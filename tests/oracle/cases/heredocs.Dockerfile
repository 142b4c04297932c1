# syntax=docker/dockerfile:1
FROM alpine
RUN <<EOF
echo one
echo two
EOF
RUN <<-EOT bash
	echo tabbed
	EOT
COPY <<A <<"B" /dst/
first $X
A
second $X
B
RUN 3<<'X' cat /dev/fd/3
body
X
RUN python3 <<PY
print('hi')
PY
RUN ["echo", "<<NOT"]
RUN cat <<E"O"F
inner
EOF
