FROM alpine
HEALTHCHECK NONE
HEALTHCHECK --interval=5s --timeout=3s CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
healthcheck --start-period=1s cmd   spaced  out
