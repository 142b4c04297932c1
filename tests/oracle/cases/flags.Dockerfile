FROM --platform=$BUILDPLATFORM golang:1.22 AS build
RUN --mount=type=cache,target=/root/.cache --network=none go build
COPY --from=build --chown=1000:1000 --chmod=755 /out /usr/bin/
COPY --link=true "--exclude=*.md" . /src
ADD --checksum=sha256:abc https://example.com/x.tgz /x
RUN -- --notaflag
RUN --mount="type=bind,source=a b" echo
COPY -- --weird /dst
