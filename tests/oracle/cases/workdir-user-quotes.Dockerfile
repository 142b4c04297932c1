FROM alpine
WORKDIR "/a b" 
USER 'app:app'
STOPSIGNAL "SIGKILL"
VOLUME "/a b" /c
EXPOSE "80"
