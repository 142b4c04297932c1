FROM alpine AS
FROM a b c d
FROM
FROM alpine aS Mixed
