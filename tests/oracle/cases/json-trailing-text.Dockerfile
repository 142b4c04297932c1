FROM alpine
RUN ["trailing"] extra
CMD ["a"] ["b"]
COPY ["a", "/b"] junk
