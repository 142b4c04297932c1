#  ESCAPE = `
FROM alpine
RUN echo a `
  b
