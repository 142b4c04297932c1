FROM alpine
RUN set -eux; \
    [ -z "$x" ] || echo set; \
    | tee log \
    ; ${VAR#prefix} ${VAR%%.*} ${VAR/a/b}
RUN powershell -Command \
    [Net.ServicePointManager]::SecurityProtocol = 'Tls12'; \
    ('{0}' -f $env:X)
