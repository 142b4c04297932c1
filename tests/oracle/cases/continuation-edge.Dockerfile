FROM alpine
RUN echo \
\
  x
RUN echo \\
RUN next
RUN echo a\
# c
\
 b
