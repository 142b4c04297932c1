# escape=`
FROM alpine
ENV A="x`"y" B=c` d
LABEL k=v`
  w=z
