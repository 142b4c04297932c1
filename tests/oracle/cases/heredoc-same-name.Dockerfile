FROM alpine
COPY <<EOF <<EOF /dst/
one
EOF
two
EOF
