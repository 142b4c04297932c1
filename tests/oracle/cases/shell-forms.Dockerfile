FROM alpine
SHELL ["pwsh", "-c"]
SHELL pwsh -c
CMD ["echo", "$HOME"]
ENTRYPOINT exec "$0"
CMD [ ]
