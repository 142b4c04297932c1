#syntax = docker/dockerfile:1
#	check=error=true
FROM alpine
