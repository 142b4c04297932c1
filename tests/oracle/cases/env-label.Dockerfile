FROM alpine
ENV A=1 B="two words" C='single' D=esc\ aped
ENV legacy value with  spaces
ENV E=
ENV F="multi \
  line"
LABEL org.opencontainers.image.title="x" \
      description="a \"quoted\" thing"
LABEL "quoted key"=value
ENV G=$H I=${J:-k}
