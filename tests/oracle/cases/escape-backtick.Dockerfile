# escape=`
FROM mcr.microsoft.com/windows/servercore
RUN powershell -Command `
    Write-Host 'a\b' ; `
    Write-Host c
WORKDIR C:\app\
COPY a.txt C:\app\
