FROM alpine
ENV A B=C D
ENV  E  "quoted legacy"
ENV F	 tabbed value
