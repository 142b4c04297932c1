FROM alpine
EXPOSE 80 443
RUN echo nbsp
ENV A=1 B=2
LABEL x=　y
