#!/usr/bin/env docker
# escape=`
FROM alpine
RUN echo a \
  b
