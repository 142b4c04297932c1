FROM alpine
ONBUILD RUN ["a", "b"]
ONBUILD --foo RUN x
ONBUILD COPY --from=build /a /b
ONBUILD RUN --mount=type=secret,id=x cat /run/secrets/x
ONBUILD HEALTHCHECK --interval=3s CMD echo
onbuild add . /app
ONBUILD ENV A=1 B="2 3"
ONBUILD COPY <<EOF /x
hi
EOF
