FROM alpine
EXPOSE 804438080
RUN echo ab
