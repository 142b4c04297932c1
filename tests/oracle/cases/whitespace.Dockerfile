FROM alpine
   
RUN	echo tab
EXPOSE	80	 443
RUN \
echo after-keyword-continuation
	
CMD echo  a 	 
