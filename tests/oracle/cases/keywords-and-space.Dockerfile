  FROM alpine as Base
	from base
run echo lower
  # indented comment
WorkDir /app
expose 80/tcp 443
USER "${user}"
WORKDIR "/Program Files"
STOPSIGNAL SIGTERM
MAINTAINER Jane <j@example.com>
RUN echo # not a comment
