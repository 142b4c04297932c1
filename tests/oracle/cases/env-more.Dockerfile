FROM alpine
ENV A='it\'s' B="a'b"
LABEL a=
ARG a=b=c
ENV C="" D=''
