FROM alpine
LABEL a=1   b=2	c=3
LABEL "x"="y" 'z'='w'
LABEL a="b"c d=e"f g"
