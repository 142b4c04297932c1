FROM alpine
COPY --chown=1 ["a", "/b"]
COPY a --from=x b
RUN --mount=type=cache \
  --network=host echo
RUN --a="b c" --d --e= 'f' x
RUN --x=y
COPY --from=a\ b c d
RUN --mount=type=cache,target=/x\
  echo
