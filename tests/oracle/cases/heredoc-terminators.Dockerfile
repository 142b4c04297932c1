FROM alpine
RUN <<EOF
EOF 
not yet
 EOF
EOF
RUN <<-EOF
  spaces are not stripped
  EOF
	EOF
