FROM alpine
RUN <<EOF
echo crlf
EOF
COPY <<-X /a
	body
	X
