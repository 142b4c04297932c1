ARG "A"=1
ARG B="x" C=y\ z
ARG D='${E}'
FROM alpine
