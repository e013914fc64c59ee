{{/*
The objects of one component: (dict "root" $ "name" "crypto" "c" <merged component>).
Every service runs from the same image: node --import <tracing> services/<name>/dist/main.js
*/}}

{{- define "causeloop.component.env" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $c := .c -}}
- name: NODE_ENV
  value: {{ $v.environment | quote }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: OPS_PORT
  value: {{ int $v.ports.ops | quote }}
{{- if $c.grpc }}
- name: GRPC_PORT
  value: {{ int $v.ports.grpc | quote }}
{{- end }}
{{- if include "causeloop.servesHttps" . }}
- name: HTTPS_PORT
  value: {{ int $v.ports.https | quote }}
- name: TLS_CERT_FILE
  value: {{ include "causeloop.tlsFile" (dict "root" $root "key" "tls.crt") | quote }}
- name: TLS_KEY_FILE
  value: {{ include "causeloop.tlsFile" (dict "root" $root "key" "tls.key") | quote }}
{{- else if $c.http }}
- name: HTTP_PORT
  value: {{ int $v.ports.http | quote }}
{{- end }}
- name: SHUTDOWN_DRAIN_MS
  value: {{ mul (int $v.shutdown.drainSeconds) 1000 | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "causeloop-%s" .name | quote }}
{{- if $v.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.otel.endpoint | quote }}
{{- end }}
{{- if $c.database }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "causeloop.databaseSecretName" $root }}
      key: {{ $v.database.urlKey }}
{{- end }}
{{- if $c.masterKey }}
- name: CAUSELOOP_MASTER_KEY_FILE
  value: {{ include "causeloop.masterKeyFile" $root | quote }}
- name: CAUSELOOP_MASTER_KEY_RELOAD_MS
  value: {{ int $v.masterKey.reloadMs | quote }}
- name: CAUSELOOP_MASTER_KEY_MIN_DECRYPTION_VERSION
  value: {{ int $v.masterKey.minDecryptionVersion | quote }}
{{- if $v.masterKey.primaryVersion }}
- name: CAUSELOOP_MASTER_KEY_PRIMARY
  value: {{ int $v.masterKey.primaryVersion | quote }}
{{- end }}
{{- end }}
{{- if $c.jwtSecret }}
- name: JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "causeloop.jwtSecretName" $root }}
      key: {{ $v.jwt.secretKey }}
{{- end }}
{{- if $c.assertionKey }}
- name: PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE
  value: {{ include "causeloop.assertionKeyFile" $root | quote }}
{{- end }}
{{- if $c.assertionPublicKey }}
- name: PRINCIPAL_ASSERTION_PUBLIC_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "causeloop.assertionKeySecretName" $root }}
      key: {{ $v.assertionKey.publicSecretKey }}
{{- end }}
{{- if eq .name "auth" }}
{{- /* auth's own settings (services/auth/src/config.ts); the IdP triple is all or none. */}}
{{- $auth := $v.auth }}
- name: ACCESS_TOKEN_TTL_SECONDS
  value: {{ int $auth.accessTokenTtlSeconds | quote }}
- name: REFRESH_TOKEN_TTL_SECONDS
  value: {{ int $auth.refreshTokenTtlSeconds | quote }}
- name: REFRESH_REUSE_GRACE_SECONDS
  value: {{ int $auth.refreshReuseGraceSeconds | quote }}
- name: PRINCIPAL_ASSERTION_TTL_SECONDS
  value: {{ int $auth.principalAssertionTtlSeconds | quote }}
{{- with $auth.identityProvider }}
{{- if .jwksUrl }}
- name: IDP_JWKS_URL
  value: {{ .jwksUrl | quote }}
- name: IDP_ISSUER
  value: {{ .issuer | quote }}
- name: IDP_AUDIENCE
  value: {{ .audience | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq .name "api-gateway" }}
{{- /* the gateway's own settings (services/api-gateway/src/config.ts); AUTH_GRPC_ADDR comes from calls. */}}
{{- $gw := $v.apiGateway }}
- name: TRUSTED_PROXIES
  value: {{ join "," $gw.trustedProxies | quote }}
- name: CORS_ORIGINS
  value: {{ join "," $gw.corsOrigins | quote }}
- name: RATE_LIMIT_PER_CLIENT_PER_MINUTE
  value: {{ int $gw.rateLimit.perClientPerMinute | quote }}
- name: RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE
  value: {{ int $gw.rateLimit.perPrincipalPerMinute | quote }}
{{- with $gw.rateLimit.redis }}
{{- if .existingSecret }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .key }}
- name: RATE_LIMIT_REDIS_FAILURE
  value: {{ .failure | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if eq .name "tenancy" }}
{{- /* tenancy's own settings (services/tenancy/src/config.ts, governance/signing-key.ts). */}}
{{- $t := $v.tenancy }}
- name: OPERATOR_TOKEN_SHA256
  value: {{ join "," $t.operatorTokenSha256 | quote }}
- name: RETENTION_PURGE_INTERVAL_MS
  value: {{ int $t.retentionPurgeIntervalMs | quote }}
{{- $secretName := include "causeloop.tenancySecretName" $root }}
{{- /* A created Secret holds only the keys given (outside production tenancy falls back without them). */}}
{{- if or (not $t.secrets.create) $t.secrets.cursorSigningKey }}
- name: CURSOR_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $t.secrets.cursorSigningKeyKey }}
{{- end }}
{{- if or (not $t.secrets.create) $t.secrets.governanceSigningKey }}
- name: GOVERNANCE_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $t.secrets.governanceSigningKeyKey }}
{{- end }}
{{- end }}
{{- if eq .name "insights" }}
{{- /* insights' own settings (services/insights/src/config.ts). */}}
- name: INSIGHTS_MINER_MAX_CLUSTERS
  value: {{ int $v.insights.minerMaxClusters | quote }}
- name: INSIGHTS_MINER_CACHE_WORKSPACES
  value: {{ int $v.insights.minerCacheWorkspaces | quote }}
- name: PREDICTION_INTERVAL_MS
  value: {{ int $v.insights.predictionIntervalMs | quote }}
- name: PREDICTION_GRACE_MS
  value: {{ int $v.insights.predictionGraceMs | quote }}
- name: JOB_WORKER_CONCURRENCY
  value: {{ int $v.insights.jobWorkerConcurrency | quote }}
- name: JOB_LEASE_MS
  value: {{ int $v.insights.jobLeaseMs | quote }}
- name: JOB_POLL_INTERVAL_MS
  value: {{ int $v.insights.jobPollIntervalMs | quote }}
{{- $is := $v.insights.secrets }}
{{- $secretName := include "causeloop.insightsSecretName" $root }}
{{- /* A created Secret holds the key only when given (outside production insights falls back without it). */}}
{{- if or (not $is.create) $is.cursorSigningKey }}
- name: CURSOR_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $is.cursorSigningKeyKey }}
{{- end }}
{{- /*
services/insights/src/llm/llm-config.ts. The provider is always named (the chart does not
infer it from the keys a Secret happens to hold); only its own key reaches the pod, from the
Secret and never from plain values, as a required reference: a missing key stops the pod,
as insights would refuse LLM_PROVIDER=<remote> without it.
*/}}
{{- $llm := $v.insights.llm }}
- name: LLM_PROVIDER
  value: {{ $llm.provider | quote }}
{{- if eq $llm.provider "openai" }}
- name: OPENAI_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $is.openAiApiKeyKey }}
{{- with $llm.openAiBaseUrl }}
- name: OPENAI_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- else if eq $llm.provider "anthropic" }}
- name: ANTHROPIC_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ $is.anthropicApiKeyKey }}
{{- with $llm.anthropicBaseUrl }}
- name: ANTHROPIC_BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with $llm.models.fast }}
- name: LLM_MODEL_FAST
  value: {{ . | quote }}
{{- end }}
{{- with $llm.models.balanced }}
- name: LLM_MODEL_BALANCED
  value: {{ . | quote }}
{{- end }}
{{- with $llm.models.deep }}
- name: LLM_MODEL_DEEP
  value: {{ . | quote }}
{{- end }}
- name: LLM_TIMEOUT_MS
  value: {{ int $llm.timeoutMs | quote }}
- name: LLM_MAX_RETRIES
  value: {{ int $llm.maxRetries | quote }}
- name: LLM_MAX_OUTPUT_TOKENS
  value: {{ int $llm.maxOutputTokens | quote }}
- name: LLM_WORKSPACE_CONCURRENCY
  value: {{ int $llm.workspaceConcurrency | quote }}
{{- end }}
{{- if $c.leaderElection }}
{{- /* Forced, not auto: a pod whose token is missing refuses to start instead of taking a lock its peers do not. */}}
- name: LEADER_ELECTION
  value: "kubernetes"
- name: LEADER_ELECTION_LEASE
  value: {{ include "causeloop.componentFullname" . | quote }}
- name: LEADER_ELECTION_LEASE_DURATION_MS
  value: {{ int $v.leaderElection.leaseDurationMs | quote }}
- name: LEADER_ELECTION_RENEW_INTERVAL_MS
  value: {{ int $v.leaderElection.renewIntervalMs | quote }}
{{- end }}
{{- range $callee := $c.calls }}
- name: {{ include "causeloop.envName" $callee }}_GRPC_ADDR
  value: {{ include "causeloop.grpcAddress" (dict "root" $root "name" $callee) | quote }}
{{- end }}
{{- range $key, $value := $c.env }}
- name: {{ $key }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "causeloop.component.deployment" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $c := .c -}}
{{- $fullname := include "causeloop.componentFullname" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "causeloop.labels" . | nindent 4 }}
spec:
  {{- if not $c.autoscaling.enabled }}
  replicas: {{ int $c.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "causeloop.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "causeloop.labels" . | nindent 8 }}
        {{- with $c.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- if $v.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ int $v.ports.ops | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- if and $c.database $v.database.create }}
        checksum/database: {{ printf "%s|%s" $v.database.url $v.database.ownerUrl | sha256sum | quote }}
        {{- end }}
        {{- if or (and $c.jwtSecret $v.jwt.create) (and $c.assertionKey $v.assertionKey.create) }}
        # auth reads JWT_SECRET and the assertion key at start only: roll the pods when they change.
        checksum/auth-secrets: {{ printf "%s|%s" (ternary $v.jwt.secret "" (and $c.jwtSecret $v.jwt.create)) (ternary $v.assertionKey.privateKey "" (and $c.assertionKey $v.assertionKey.create)) | sha256sum | quote }}
        {{- end }}
        {{- if and (eq .name "tenancy") (or $v.tenancy.secrets.create (and $c.assertionPublicKey $v.assertionKey.create)) }}
        # tenancy reads its keys and the assertion public key at start only: roll the pods when they change.
        checksum/tenancy-secrets: {{ printf "%s|%s|%s" (ternary $v.tenancy.secrets.cursorSigningKey "" $v.tenancy.secrets.create) (ternary $v.tenancy.secrets.governanceSigningKey "" $v.tenancy.secrets.create) (ternary $v.assertionKey.publicKey "" (and $c.assertionPublicKey $v.assertionKey.create)) | sha256sum | quote }}
        {{- end }}
        {{- if and (eq .name "insights") (or $v.insights.secrets.create (and $c.assertionPublicKey $v.assertionKey.create)) }}
        # insights reads its keys and the assertion public key at start only: roll the pods when they change.
        {{- $is := $v.insights.secrets }}
        checksum/insights-secrets: {{ printf "%s|%s|%s|%s" (ternary $is.cursorSigningKey "" $is.create) (ternary $is.openAiApiKey "" $is.create) (ternary $is.anthropicApiKey "" $is.create) (ternary $v.assertionKey.publicKey "" (and $c.assertionPublicKey $v.assertionKey.create)) | sha256sum | quote }}
        {{- end }}
        {{- with $c.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ $fullname }}
      automountServiceAccountToken: {{ $c.leaderElection }}
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ int $v.shutdown.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ .name }}
          image: {{ include "causeloop.image" $root }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          workingDir: /app
          command: ["node"]
          args:
            - --max-semi-space-size=16
            - --no-concurrent-recompilation
            {{- range $c.nodeOptions }}
            - {{ . | quote }}
            {{- end }}
            - --import
            - "@causeloop/platform/tracing/register"
            - {{ printf "services/%s/dist/main.js" .name | quote }}
          env:
            {{- include "causeloop.component.env" . | nindent 12 }}
          ports:
            {{- if $c.grpc }}
            - name: grpc
              containerPort: {{ int $v.ports.grpc }}
              protocol: TCP
            {{- end }}
            {{- if include "causeloop.servesHttps" . }}
            - name: https
              containerPort: {{ int $v.ports.https }}
              protocol: TCP
            {{- else if $c.http }}
            - name: http
              containerPort: {{ int $v.ports.http }}
              protocol: TCP
            {{- end }}
            - name: ops
              containerPort: {{ int $v.ports.ops }}
              protocol: TCP
          startupProbe:
            httpGet: { path: /health, port: ops }
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: { path: /health, port: ops }
            periodSeconds: 10
            timeoutSeconds: 2
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /ready, port: ops }
            periodSeconds: 5
            timeoutSeconds: 2
            failureThreshold: 2
          lifecycle:
            preStop:
              sleep:
                seconds: {{ int $v.shutdown.preStopSleepSeconds }}
          resources:
            {{- toYaml $c.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $c.masterKey }}
            - name: master-key
              mountPath: {{ $v.masterKey.mountPath }}
              readOnly: true
            {{- end }}
            {{- if $c.assertionKey }}
            - name: assertion-key
              mountPath: {{ $v.assertionKey.mountPath }}
              readOnly: true
            {{- end }}
            {{- if include "causeloop.servesHttps" . }}
            - name: tls
              mountPath: {{ $v.apiGateway.tls.mountPath }}
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- if $c.masterKey }}
        # Mounted as a directory (never subPath), so a rotated Secret reaches the file and
        # crypto re-reads it every CAUSELOOP_MASTER_KEY_RELOAD_MS.
        - name: master-key
          secret:
            secretName: {{ include "causeloop.masterKeySecretName" $root }}
            defaultMode: 288 # 0440: YAML 1.1 reads 0440 as octal, YAML 1.2 as decimal
            items:
              - key: {{ $v.masterKey.secretKey }}
                path: keyring
        {{- end }}
        {{- if $c.assertionKey }}
        - name: assertion-key
          secret:
            secretName: {{ include "causeloop.assertionKeySecretName" $root }}
            defaultMode: 288 # 0440: YAML 1.1 reads 0440 as octal, YAML 1.2 as decimal
            items:
              - key: {{ $v.assertionKey.secretKey }}
                path: private-key.pem
        {{- end }}
        {{- if include "causeloop.servesHttps" . }}
        # A directory mount (never subPath): a renewed certificate reaches the files, and the
        # gateway reloads them itself, so no restart is needed.
        - name: tls
          secret:
            secretName: {{ $v.apiGateway.tls.existingSecret }}
            defaultMode: 288 # 0440: YAML 1.1 reads 0440 as octal, YAML 1.2 as decimal
            items:
              - key: tls.crt
                path: tls.crt
              - key: tls.key
                path: tls.key
        {{- end }}
      {{- with $c.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $c.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        - {{- toYaml (omit . "labelSelector") | nindent 10 }}
          labelSelector:
            {{- if .labelSelector }}
            {{- toYaml .labelSelector | nindent 12 }}
            {{- else }}
            matchLabels:
              {{- include "causeloop.selectorLabels" $ | nindent 14 }}
            {{- end }}
        {{- end }}
      {{- end }}
{{- end -}}
