FROM alpine
RUN <<EOF
echo a \
echo b
# not a comment in the body

EOF
