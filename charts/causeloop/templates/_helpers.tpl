{{/* Names ------------------------------------------------------------------------ */}}

{{- define "causeloop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-causeloop, or the release name when it already contains the chart name. */}}
{{- define "causeloop.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects: (dict "root" $ "name" "crypto") */}}
{{- define "causeloop.componentFullname" -}}
{{- printf "%s-%s" (include "causeloop.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "causeloop.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels --------------------------------------------------------------------------- */}}

{{/* Selector labels: name, instance and component only. They never change (see UPGRADING.md). */}}
{{- define "causeloop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "causeloop.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Every label of an object that belongs to a component: (dict "root" $ "name" "crypto") */}}
{{- define "causeloop.labels" -}}
helm.sh/chart: {{ include "causeloop.chart" .root }}
{{ include "causeloop.selectorLabels" . }}
app.kubernetes.io/part-of: causeloop
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The pods of this release (every component, the migration Job and the test pod). */}}
{{- define "causeloop.releaseSelector" -}}
app.kubernetes.io/name: {{ include "causeloop.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Image and secrets ---------------------------------------------------------------- */}}

{{- define "causeloop.image" -}}
{{- $image := .Values.image -}}
{{- $repository := ternary (printf "%s/%s" $image.registry $image.repository) $image.repository (ne $image.registry "") -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "causeloop.databaseSecretName" -}}
{{- if .Values.database.create -}}{{ include "causeloop.fullname" . }}-database{{- else -}}{{ .Values.database.existingSecret }}{{- end -}}
{{- end -}}

{{- define "causeloop.masterKeySecretName" -}}
{{- if .Values.masterKey.create -}}{{ include "causeloop.fullname" . }}-master-key{{- else -}}{{ .Values.masterKey.existingSecret }}{{- end -}}
{{- end -}}

{{- define "causeloop.jwtSecretName" -}}
{{- if .Values.jwt.create -}}{{ include "causeloop.fullname" . }}-jwt{{- else -}}{{ .Values.jwt.existingSecret }}{{- end -}}
{{- end -}}

{{- define "causeloop.tenancySecretName" -}}
{{- if .Values.tenancy.secrets.create -}}{{ include "causeloop.fullname" . }}-tenancy{{- else -}}{{ .Values.tenancy.secrets.existingSecret }}{{- end -}}
{{- end -}}

{{- define "causeloop.insightsSecretName" -}}
{{- if .Values.insights.secrets.create -}}{{ include "causeloop.fullname" . }}-insights{{- else -}}{{ .Values.insights.secrets.existingSecret }}{{- end -}}
{{- end -}}

{{/*
Does this component serve HTTPS instead of HTTP? (dict "root" $ "name" … "c" …): the
gateway with apiGateway.tls.existingSecret set. Its port is then `https` (ports.https).
*/}}
{{- define "causeloop.servesHttps" -}}
{{- if and .c.http (eq .name "api-gateway") .root.Values.apiGateway.tls.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* The files TLS_CERT_FILE and TLS_KEY_FILE name: the kubernetes.io/tls keys, as mounted. */}}
{{- define "causeloop.tlsFile" -}}
{{- printf "%s/%s" (trimSuffix "/" .root.Values.apiGateway.tls.mountPath) .key -}}
{{- end -}}

{{- define "causeloop.assertionKeySecretName" -}}
{{- if .Values.assertionKey.create -}}{{ include "causeloop.fullname" . }}-assertion-key{{- else -}}{{ .Values.assertionKey.existingSecret }}{{- end -}}
{{- end -}}

{{/* The file PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE names. */}}
{{- define "causeloop.assertionKeyFile" -}}
{{- printf "%s/private-key.pem" (trimSuffix "/" .Values.assertionKey.mountPath) -}}
{{- end -}}

{{/* The port of a URL (the context is the URL): explicit, else 443 (https) or 80 (http). */}}
{{- define "causeloop.urlPort" -}}
{{- $url := urlParse . -}}
{{- $explicit := regexFind ":[0-9]+$" $url.host -}}
{{- if $explicit -}}{{ trimPrefix ":" $explicit }}{{- else if eq $url.scheme "http" -}}80{{- else -}}443{{- end -}}
{{- end -}}

{{/* The port of auth.identityProvider.jwksUrl. */}}
{{- define "causeloop.identityProviderPort" -}}
{{- include "causeloop.urlPort" .Values.auth.identityProvider.jwksUrl -}}
{{- end -}}

{{/*
Where insights reaches its language-model provider: the base URL of a remote
insights.llm.provider, else the provider's own API (what the SDKs call); empty for offline.
*/}}
{{- define "causeloop.llmProviderUrl" -}}
{{- $llm := .Values.insights.llm -}}
{{- if and (hasKey (include "causeloop.components" . | fromYaml) "insights") (ne $llm.provider "offline") -}}
{{- if eq $llm.provider "openai" -}}{{ default "https://api.openai.com/v1" $llm.openAiBaseUrl }}{{- else -}}{{ default "https://api.anthropic.com" $llm.anthropicBaseUrl }}{{- end -}}
{{- end -}}
{{- end -}}

{{/* The file CAUSELOOP_MASTER_KEY_FILE names. */}}
{{- define "causeloop.masterKeyFile" -}}
{{- printf "%s/keyring" (trimSuffix "/" .Values.masterKey.mountPath) -}}
{{- end -}}

{{/* Components ------------------------------------------------------------------------ */}}

{{/*
Deep-merges .override into .base in place (maps merge, anything else replaces). Unlike
sprig's merge/mergeOverwrite, an explicit false or 0 in the override wins.
*/}}
{{- define "causeloop.mergeInto" -}}
{{- $base := .base -}}
{{- range $key, $value := .override -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $base $key)) -}}
{{- include "causeloop.mergeInto" (dict "base" (get $base $key) "override" $value) -}}
{{- else -}}
{{- $_ := set $base $key $value -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The enabled components, each merged over componentDefaults, as YAML:
  {{- $components := include "causeloop.components" . | fromYaml }}
An `optionalCalls` entry joins `calls` only while that component is enabled, so everything
downstream (the <NAME>_GRPC_ADDR env, both ends of the NetworkPolicies) reads `calls` alone.
*/}}
{{- define "causeloop.components" -}}
{{- $out := dict -}}
{{- range $name, $raw := .Values.components -}}
{{- if $raw.enabled -}}
{{- $component := deepCopy $.Values.componentDefaults -}}
{{- include "causeloop.mergeInto" (dict "base" $component "override" (deepCopy $raw)) -}}
{{- $_ := set $out $name $component -}}
{{- end -}}
{{- end -}}
{{- range $name, $component := $out -}}
{{- $calls := $component.calls | default list -}}
{{- range $callee := $component.optionalCalls -}}
{{- if hasKey $out $callee }}{{ $calls = append $calls $callee }}{{ end -}}
{{- end -}}
{{- $_ := set $component "calls" $calls -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* `dns:///<headless service>:<grpc port>`: grpc-js resolves every pod and balances round robin. */}}
{{- define "causeloop.grpcAddress" -}}
{{- printf "dns:///%s.%s.svc.%s:%d" (include "causeloop.componentFullname" .) .root.Release.Namespace .root.Values.clusterDomain (int .root.Values.ports.grpc) -}}
{{- end -}}

{{- define "causeloop.envName" -}}
{{- . | upper | replace "-" "_" -}}
{{- end -}}

{{/* Does any enabled component (or the migration Job) need the database? */}}
{{- define "causeloop.needsDatabase" -}}
{{- $needs := .Values.migrations.enabled -}}
{{- range $name, $c := include "causeloop.components" . | fromYaml -}}
{{- if $c.database -}}{{- $needs = true -}}{{- end -}}
{{- end -}}
{{- if $needs -}}true{{- end -}}
{{- end -}}

{{/* Validation ------------------------------------------------------------------------ */}}

{{/* Every conflict in the values, reported together in one failure. */}}
{{- define "causeloop.validateValues" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $components := include "causeloop.components" . | fromYaml -}}
{{- $shutdown := $v.shutdown -}}
{{- $needed := add (int $shutdown.preStopSleepSeconds) (int $shutdown.drainSeconds) -}}
{{- if le (int $shutdown.terminationGracePeriodSeconds) $needed -}}
{{- $errors = append $errors (printf "shutdown.terminationGracePeriodSeconds (%d) must exceed shutdown.preStopSleepSeconds + shutdown.drainSeconds (%d), or in-flight calls are killed before they drain" (int $shutdown.terminationGracePeriodSeconds) $needed) -}}
{{- end -}}
{{- if eq (len $components) 0 -}}
{{- $errors = append $errors "no component is enabled: set components.<name>.enabled" -}}
{{- end -}}
{{- $needsMasterKey := false -}}
{{- $needsJwt := false -}}
{{- $needsAssertionKey := false -}}
{{- $needsPublicKey := false -}}
{{- $publicKeyUsers := list -}}
{{- range $name, $c := $components -}}
{{- if $c.assertionKey -}}{{- $needsAssertionKey = true -}}{{- end -}}
{{- if $c.assertionPublicKey -}}{{- $needsPublicKey = true -}}{{- $publicKeyUsers = append $publicKeyUsers $name -}}{{- end -}}
{{- if $c.masterKey -}}{{- $needsMasterKey = true -}}{{- end -}}
{{- if $c.jwtSecret -}}{{- $needsJwt = true -}}{{- end -}}
{{- if not (or $c.grpc $c.http) -}}
{{- $errors = append $errors (printf "components.%s serves neither grpc nor http: set one of them" $name) -}}
{{- end -}}
{{- range $callee := $c.calls -}}
{{- if not (hasKey $v.components $callee) -}}
{{- $errors = append $errors (printf "components.%s.calls names %q, which is no component" $name $callee) -}}
{{- else if not (hasKey $components $callee) -}}
{{- $errors = append $errors (printf "components.%s calls %s, which is not enabled: enable components.%s" $name $callee $callee) -}}
{{- end -}}
{{- end -}}
{{- $as := $c.autoscaling -}}
{{- if and $as.enabled (gt (int $as.minReplicas) (int $as.maxReplicas)) -}}
{{- $errors = append $errors (printf "components.%s.autoscaling.minReplicas (%d) is above maxReplicas (%d)" $name (int $as.minReplicas) (int $as.maxReplicas)) -}}
{{- end -}}
{{- $pdb := $c.podDisruptionBudget -}}
{{- if and $pdb.enabled (hasKey $pdb "minAvailable") (hasKey $pdb "maxUnavailable") -}}
{{- if and (not (kindIs "invalid" $pdb.minAvailable)) (not (kindIs "invalid" $pdb.maxUnavailable)) -}}
{{- $errors = append $errors (printf "components.%s.podDisruptionBudget: set minAvailable or maxUnavailable, not both (set the other to null)" $name) -}}
{{- end -}}
{{- end -}}
{{- if and $pdb.enabled (not $as.enabled) (kindIs "float64" $pdb.minAvailable) (ge (int $pdb.minAvailable) (int $c.replicaCount)) -}}
{{- $errors = append $errors (printf "components.%s.podDisruptionBudget.minAvailable (%d) must be below replicaCount (%d), or no node can ever be drained" $name (int $pdb.minAvailable) (int $c.replicaCount)) -}}
{{- end -}}
{{- end -}}
{{- if and $needsMasterKey $v.masterKey.create (not $v.masterKey.keyring) -}}
{{- $errors = append $errors "masterKey.create is true but masterKey.keyring is empty: set it (npm run causeloop -- kek generate 1), or set masterKey.create=false and masterKey.existingSecret" -}}
{{- end -}}
{{- if and $needsMasterKey (not $v.masterKey.create) (not $v.masterKey.existingSecret) -}}
{{- $errors = append $errors "the crypto service needs a KEK: set masterKey.existingSecret, or masterKey.create=true with masterKey.keyring" -}}
{{- end -}}
{{- if and $needsMasterKey $v.masterKey.create (eq $v.environment "production") (contains "QN1X0xJFrqTG5h9yZ3rAJf2By8KqCz7Uu7yGUBj9eVo=" $v.masterKey.keyring) -}}
{{- $errors = append $errors "masterKey.keyring holds the published development key, which crypto refuses under environment=production: generate a real one (npm run causeloop -- kek generate 1)" -}}
{{- end -}}
{{- if and $needsJwt $v.jwt.create (not $v.jwt.secret) -}}
{{- $errors = append $errors "jwt.create is true but jwt.secret is empty: set it (at least 32 bytes, e.g. openssl rand -base64 48), or set jwt.create=false and jwt.existingSecret" -}}
{{- end -}}
{{- if and $needsJwt $v.jwt.create $v.jwt.secret (lt (len $v.jwt.secret) 32) -}}
{{- $errors = append $errors "jwt.secret must be at least 32 characters (auth refuses shorter secrets)" -}}
{{- end -}}
{{- if and $needsJwt (not $v.jwt.create) (not $v.jwt.existingSecret) -}}
{{- $errors = append $errors "auth needs JWT_SECRET: set jwt.existingSecret, or jwt.create=true with jwt.secret" -}}
{{- end -}}
{{- /* services/auth/src/development-secret.ts: auth refuses it under NODE_ENV=production. */ -}}
{{- if and $needsJwt $v.jwt.create (eq $v.environment "production") (eq $v.jwt.secret "causeloop-development-jwt-secret-never-use-in-production") -}}
{{- $errors = append $errors "jwt.secret is the published development JWT secret, which auth refuses under environment=production: generate a real one (openssl rand -base64 48)" -}}
{{- end -}}
{{- if and $needsAssertionKey $v.assertionKey.create (not $v.assertionKey.privateKey) -}}
{{- $errors = append $errors "assertionKey.create is true but assertionKey.privateKey is empty: set it (openssl genpkey -algorithm ed25519), or set assertionKey.create=false and assertionKey.existingSecret" -}}
{{- end -}}
{{- if and $needsAssertionKey (not $v.assertionKey.create) (not $v.assertionKey.existingSecret) -}}
{{- $errors = append $errors "auth needs its principal-assertion key: set assertionKey.existingSecret, or assertionKey.create=true with assertionKey.privateKey" -}}
{{- end -}}
{{- if and $needsAssertionKey $v.assertionKey.create (eq $v.environment "production") (contains "MC4CAQAwBQYDK2VwBCIEIFf/8e3bu/896aYGHTKxq7gh2w57k0RzovpHxz//yE9r" $v.assertionKey.privateKey) -}}
{{- $errors = append $errors "assertionKey.privateKey is the published development key (k8s/dev-values.yaml), which must not sign assertions under environment=production: generate a real one (openssl genpkey -algorithm ed25519)" -}}
{{- end -}}
{{- if and $needsPublicKey $v.assertionKey.create (not $v.assertionKey.publicKey) -}}
{{- $errors = append $errors (printf "assertionKey.create is true but assertionKey.publicKey is empty: %s verify principal assertions with it; set it to the SPKI PEM of assertionKey.privateKey (openssl pkey -in assertion-key.pem -pubout)" (join " and " $publicKeyUsers)) -}}
{{- end -}}
{{- if and $needsPublicKey (not $v.assertionKey.create) (not $v.assertionKey.existingSecret) -}}
{{- $errors = append $errors (printf "%s need auth's principal-assertion public key: set assertionKey.existingSecret (with key assertionKey.publicSecretKey), or assertionKey.create=true with assertionKey.publicKey" (join " and " $publicKeyUsers)) -}}
{{- end -}}
{{- if hasKey $components "tenancy" -}}
{{- /* services/tenancy: CURSOR_SIGNING_KEY (32+ bytes) and a real GOVERNANCE_SIGNING_KEY are required under production. */ -}}
{{- $ts := $v.tenancy.secrets -}}
{{- $production := eq $v.environment "production" -}}
{{- if $ts.create -}}
{{- if and $production (not $ts.cursorSigningKey) -}}
{{- $errors = append $errors "tenancy.secrets.cursorSigningKey is empty, which tenancy refuses under environment=production: set it (at least 32 bytes, e.g. openssl rand -base64 48)" -}}
{{- end -}}
{{- if and $ts.cursorSigningKey (lt (len $ts.cursorSigningKey) 32) -}}
{{- $errors = append $errors "tenancy.secrets.cursorSigningKey must be at least 32 characters (tenancy refuses shorter keys)" -}}
{{- end -}}
{{- if and $production (not $ts.governanceSigningKey) -}}
{{- $errors = append $errors "tenancy.secrets.governanceSigningKey is empty, which tenancy refuses under environment=production: set it (openssl genpkey -algorithm ed25519)" -}}
{{- end -}}
{{- /* services/tenancy/src/governance/signing-key.ts: the published development key. */ -}}
{{- if and $production (contains "MC4CAQAwBQYDK2VwBCIEINjjMZ7JsGewVhReJUEBoFOmPO0gWyq4XvTKixSTWNkj" $ts.governanceSigningKey) -}}
{{- $errors = append $errors "tenancy.secrets.governanceSigningKey is the published development key, which tenancy refuses under environment=production: generate a real one (openssl genpkey -algorithm ed25519)" -}}
{{- end -}}
{{- else if not $ts.existingSecret -}}
{{- $errors = append $errors "tenancy needs CURSOR_SIGNING_KEY and GOVERNANCE_SIGNING_KEY: set tenancy.secrets.existingSecret, or tenancy.secrets.create=true with tenancy.secrets.cursorSigningKey and governanceSigningKey" -}}
{{- end -}}
{{- end -}}
{{- if hasKey $components "insights" -}}
{{- /* services/insights/src/config.ts: CURSOR_SIGNING_KEY (32+ bytes) is required under production. */ -}}
{{- $is := $v.insights.secrets -}}
{{- if $is.create -}}
{{- if and (eq $v.environment "production") (not $is.cursorSigningKey) -}}
{{- $errors = append $errors "insights.secrets.cursorSigningKey is empty, which insights refuses under environment=production: set it (at least 32 bytes, e.g. openssl rand -base64 48)" -}}
{{- end -}}
{{- if and $is.cursorSigningKey (lt (len $is.cursorSigningKey) 32) -}}
{{- $errors = append $errors "insights.secrets.cursorSigningKey must be at least 32 characters (insights refuses shorter keys)" -}}
{{- end -}}
{{- else if not $is.existingSecret -}}
{{- $errors = append $errors "insights needs CURSOR_SIGNING_KEY: set insights.secrets.existingSecret, or insights.secrets.create=true with insights.secrets.cursorSigningKey" -}}
{{- end -}}
{{- /*
services/insights/src/llm/llm-config.ts fails closed: a remote LLM_PROVIDER without its key
refuses to start. So does the chart, and it refuses a key given for another provider (with
create it would sit in the Secret unused, where insights alone would have picked it).
*/ -}}
{{- $provider := $v.insights.llm.provider -}}
{{- $keys := dict "openai" (list "OPENAI_API_KEY" "openAiApiKey" "openAiApiKeyKey") "anthropic" (list "ANTHROPIC_API_KEY" "anthropicApiKey" "anthropicApiKeyKey") -}}
{{- range $name := list "openai" "anthropic" -}}
{{- $variable := index (get $keys $name) 0 -}}
{{- $value := index (get $keys $name) 1 -}}
{{- $keyName := index (get $keys $name) 2 -}}
{{- if eq $provider $name -}}
{{- if and $is.create (not (get $is $value)) -}}
{{- $errors = append $errors (printf "insights.llm.provider is %s but insights.secrets.%s is empty, and insights refuses to start without %s: set it (it goes into the chart's Secret), or set insights.secrets.create=false and keep the key in insights.secrets.existingSecret under insights.secrets.%s, or set insights.llm.provider=offline" $name $value $variable $keyName) -}}
{{- else if and (not $is.create) (not $is.existingSecret) -}}
{{- $errors = append $errors (printf "insights.llm.provider is %s but no Secret holds %s: set insights.secrets.existingSecret (key insights.secrets.%s), or insights.secrets.create=true with insights.secrets.%s, or set insights.llm.provider=offline" $name $variable $keyName $value) -}}
{{- end -}}
{{- else if and $is.create (get $is $value) -}}
{{- $errors = append $errors (printf "insights.secrets.%s is set but insights.llm.provider is %s, so insights would never use it: set insights.llm.provider=%s, or remove the key" $value $provider $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* Secrets come from Secrets: a plain `env` entry would put one into the Deployment. */ -}}
{{- $secretVariables := list "DATABASE_URL" "DATABASE_OWNER_URL" "CAUSELOOP_MASTER_KEY" "JWT_SECRET" "PRINCIPAL_ASSERTION_PRIVATE_KEY" "CURSOR_SIGNING_KEY" "GOVERNANCE_SIGNING_KEY" "REDIS_URL" "OPENAI_API_KEY" "ANTHROPIC_API_KEY" -}}
{{- range $name, $c := $components -}}
{{- range $variable := $secretVariables -}}
{{- if hasKey ($c.env | default dict) $variable -}}
{{- $errors = append $errors (printf "components.%s.env sets %s, a secret, in plain values (it would be written into the Deployment): keep it in the component's Secret instead (see the chart README)" $name $variable) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $le := $v.leaderElection -}}
{{- if gt (mul (int $le.renewIntervalMs) 2) (int $le.leaseDurationMs) -}}
{{- $errors = append $errors (printf "leaderElection.renewIntervalMs (%d) must be at most half leaderElection.leaseDurationMs (%d), or tenancy and insights refuse to start" (int $le.renewIntervalMs) (int $le.leaseDurationMs)) -}}
{{- end -}}
{{- if hasKey $components "auth" -}}
{{- $idp := $v.auth.identityProvider -}}
{{- $set := 0 -}}
{{- range (list $idp.jwksUrl $idp.issuer $idp.audience) }}{{ if . }}{{ $set = add1 $set }}{{ end }}{{ end -}}
{{- if and (gt $set 0) (lt $set 3) -}}
{{- $errors = append $errors "auth.identityProvider: set jwksUrl, issuer and audience together, or none of them (auth refuses a partial set)" -}}
{{- end -}}
{{- end -}}
{{- if include "causeloop.needsDatabase" . -}}
{{- if $v.database.create -}}
{{- if and (not $v.database.url) (gt (len (include "causeloop.databaseUsers" .)) 0) -}}
{{- $errors = append $errors "database.create is true but database.url (the causeloop_app URL services use) is empty" -}}
{{- end -}}
{{- if and $v.migrations.enabled (not $v.database.ownerUrl) -}}
{{- $errors = append $errors "database.create is true but database.ownerUrl (the causeloop_owner URL migrations use) is empty" -}}
{{- end -}}
{{- else if not $v.database.existingSecret -}}
{{- $errors = append $errors "the database URLs are needed: set database.existingSecret, or database.create=true with database.url and database.ownerUrl" -}}
{{- end -}}
{{- end -}}
{{- $gateway := hasKey $components "api-gateway" -}}
{{- if and $v.ingress.enabled (not $gateway) -}}
{{- $errors = append $errors "ingress.enabled needs components.api-gateway.enabled" -}}
{{- end -}}
{{- if and $v.httpRoute.enabled (not $gateway) -}}
{{- $errors = append $errors "httpRoute.enabled needs components.api-gateway.enabled" -}}
{{- end -}}
{{- if and $v.httpRoute.enabled (eq (len $v.httpRoute.parentRefs) 0) -}}
{{- $errors = append $errors "httpRoute.enabled needs at least one httpRoute.parentRefs entry (the Gateway to attach to)" -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n\nCauseloop values are inconsistent (%d problems):\n  - %s\n" (len $errors) (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{/* Names of the enabled components that connect to the database, comma-separated. */}}
{{- define "causeloop.databaseUsers" -}}
{{- $users := list -}}
{{- range $name, $c := include "causeloop.components" . | fromYaml -}}
{{- if $c.database -}}{{- $users = append $users $name -}}{{- end -}}
{{- end -}}
{{- join "," $users -}}
{{- end -}}
