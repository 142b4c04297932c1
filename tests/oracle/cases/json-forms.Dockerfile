FROM alpine
CMD ["a", "b c", "\u00e9\n\"q\""]
ENTRYPOINT ['single', 'quoted']
RUN [ "spaced" , "array" ]
RUN ["unterminated"
RUN [not json]
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY ["a b", "c", "/d/"]
VOLUME ["/data", "/logs"]
VOLUME /a /b
CMD []
