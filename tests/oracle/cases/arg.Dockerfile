ARG BASE=alpine
ARG V="3.19" W='x y' Z
FROM ${BASE}:${V}
ARG	TAB=1
arg lower=case
