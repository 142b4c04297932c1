FrOm alpine
rUn echo
HealthCheck NONE
OnBuild Run x
EntryPoint ["a"]
