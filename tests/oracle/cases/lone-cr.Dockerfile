FROM alpine
RUN echo aRUN echo b
LABEL x="1z"
