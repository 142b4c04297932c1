FROM alpine
FOO bar baz
COPYY a b
RUNN
