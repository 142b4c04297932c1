FROM alpine
RUN apt-get update && \
# a comment inside
    apt-get install -y \

      curl \
  # indented comment
 	 
      git
RUN echo \
#only comments
#until eof
