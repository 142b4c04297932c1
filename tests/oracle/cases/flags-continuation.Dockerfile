FROM alpine
RUN --mount=type=bind,src=.,dst=/x \
    --mount=type=cache,target=/c \
    echo hi
COPY --a=b\ c d e
COPY --chown="1 2" a b
