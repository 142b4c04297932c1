FROM alpine
RUN << EOF
spaced name
EOF
RUN echo "<<NOT" cat<<ALSO_NOT
COPY ["<<EOF", "/x"]
RUN <<EOF \
  && echo after
body
EOF
RUN <<EOF
EOF
RUN <<"A B"
x
A B
