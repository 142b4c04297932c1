FROM alpine
RUN <<'EOF' <<"E2" cat - /dev/fd/3
x
EOF
y
E2
RUN 10<<EOF
z
EOF
