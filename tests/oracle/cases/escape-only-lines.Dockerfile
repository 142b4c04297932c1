FROM alpine
RUN echo a \
\
\
    b
RUN echo c \
   # comment ending with backslash \
    d
