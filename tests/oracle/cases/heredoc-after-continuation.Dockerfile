FROM alpine
RUN --mount=type=cache,target=/root \
    <<EOF sh
set -e
echo $HOME
EOF
ADD <<EOF /x
EOF
