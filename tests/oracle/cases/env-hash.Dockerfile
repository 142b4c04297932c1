FROM alpine
ENV K=1 # not a comment
