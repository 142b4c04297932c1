FROM alpine
LABEL description="Ünïcödé 🐳 text"
RUN echo 'héllo wörld' \
    && echo '日本語'
ENV 名前=値
