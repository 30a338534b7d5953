{{/* Names ------------------------------------------------------------------------------------------ */}}
{{- define "codemill.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "codemill.fullname" -}}
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

{{/* component name: (dict "root" $ "component" "api") */}}
{{- define "codemill.componentName" -}}
{{- printf "%s-%s" (include "codemill.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels ----------------------------------------------------------------------------------------- */}}
{{- define "codemill.selectorLabels" -}}
app.kubernetes.io/name: {{ include "codemill.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "codemill.labels" -}}
{{ include "codemill.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: codemill
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata block: (dict "root" $ "component" "api" "skips" (list "CKV_K8S_43=reason")) */}}
{{- define "codemill.metadata" -}}
name: {{ include "codemill.componentName" . }}
namespace: {{ .root.Release.Namespace }}
labels:
  {{- include "codemill.labels" . | nindent 2 }}
{{- if or .skips .root.Values.commonAnnotations }}
annotations:
  {{- range $i, $skip := .skips }}
  checkov.io/skip{{ add1 $i }}: {{ $skip | quote }}
  {{- end }}
  {{- with .root.Values.commonAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Checkov suppressions, each with its reason (a JSON list; use with fromJsonArray). */}}
{{- define "codemill.skip.digest" -}}
CKV_K8S_43=Images are pinned by tag; set image.digest (and each component's image tag) to pin by digest in your registry
{{- end -}}
{{- define "codemill.skip.envSecrets" -}}
CKV_K8S_35=Settings are read from environment variables; their values come from existing Secrets by reference, never inline
{{- end -}}
{{- define "codemill.appSkips" -}}
{{- list (include "codemill.skip.digest" .) (include "codemill.skip.envSecrets" .) | toJson -}}
{{- end -}}

{{/* Images ----------------------------------------------------------------------------------------- */}}
{{- define "codemill.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "codemill.thirdPartyImage" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{- define "codemill.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "codemill.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* URLs of the bundled components ------------------------------------------------------------------ */}}
{{- define "codemill.publicUrl" -}}
{{- if .Values.config.publicUrl -}}
{{- .Values.config.publicUrl -}}
{{- else -}}
{{- printf "https://%s" .Values.ingress.host -}}
{{- end -}}
{{- end -}}

{{- define "codemill.natsUrl" -}}
{{- printf "nats://%s:4222" (include "codemill.componentName" (dict "root" . "component" "nats")) -}}
{{- end -}}

{{- define "codemill.oidcIssuer" -}}
{{- if .Values.config.oidc.issuer -}}
{{- .Values.config.oidc.issuer -}}
{{- else if .Values.keycloak.enabled -}}
{{- printf "%s%s/realms/%s" (include "codemill.publicUrl" .) .Values.keycloak.httpRelativePath .Values.keycloak.realm -}}
{{- end -}}
{{- end -}}

{{- define "codemill.llmBaseUrl" -}}
{{- if .Values.config.llm.baseUrl -}}
{{- .Values.config.llm.baseUrl -}}
{{- else if .Values.llmProxy.enabled -}}
{{- printf "http://%s:%d/v1" (include "codemill.componentName" (dict "root" . "component" "llm-proxy")) (int .Values.llmProxy.port) -}}
{{- end -}}
{{- end -}}

{{/* Standard pod pieces ----------------------------------------------------------------------------- */}}
{{- define "codemill.podSecurityContext" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}

{{- define "codemill.containerSecurityContext" -}}
securityContext:
  {{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}

{{- define "codemill.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The CODEMILL_* environment every Codemill process gets. */}}
{{- define "codemill.env" -}}
{{- $s := .Values.secrets -}}
{{- $c := .Values.config -}}
- name: CODEMILL_LOG_LEVEL
  value: {{ $c.logLevel | quote }}
- name: CODEMILL_DATA_DIR
  value: /var/lib/codemill
- name: CODEMILL_PUBLIC_URL
  value: {{ include "codemill.publicUrl" . | quote }}
- name: CODEMILL_DATABASE_URL
  valueFrom:
    secretKeyRef: {name: {{ $s.app.name }}, key: {{ $s.app.databaseUrlKey }}}
- name: CODEMILL_SECRET_KEY
  valueFrom:
    secretKeyRef: {name: {{ $s.app.name }}, key: {{ $s.app.secretKeyKey }}}
- name: CODEMILL_MASTER_KEY
  valueFrom:
    secretKeyRef: {name: {{ $s.app.name }}, key: {{ $s.app.masterKeyKey }}}
{{- if $c.bootstrapAdminEmail }}
- name: CODEMILL_BOOTSTRAP_ADMIN_EMAIL
  value: {{ $c.bootstrapAdminEmail | quote }}
- name: CODEMILL_BOOTSTRAP_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $s.app.name }}, key: {{ $s.app.bootstrapAdminPasswordKey }}, optional: true}
{{- end }}
{{- with (include "codemill.oidcIssuer" .) }}
- name: CODEMILL_OIDC__ISSUER
  value: {{ . | quote }}
{{- end }}
- name: CODEMILL_OIDC__AUDIENCE
  value: {{ $c.oidc.audience | toJson | quote }}
- name: CODEMILL_OIDC__CLIENT_ID
  value: {{ $c.oidc.clientId | quote }}
- name: CODEMILL_OIDC__ROLES_CLAIM
  value: {{ $c.oidc.rolesClaim | quote }}
- name: CODEMILL_OIDC__APPLICATIONS_CLAIM
  value: {{ $c.oidc.applicationsClaim | quote }}
{{- $entra := .Values.keycloak.entra }}
{{- if and .Values.keycloak.enabled $entra.enabled (eq $entra.option "crossTenant") }}
# Entra ID across tenants: the broker admits any tenant; Codemill lets in only these (token claim tid).
- name: CODEMILL_OIDC__ALLOWED_TENANTS
  value: {{ default (list $entra.tenantId) $entra.allowedTenants | toJson | quote }}
{{- end }}
- name: CODEMILL_PROXY_AUTH__ENABLED
  value: {{ $c.proxyAuth.enabled | quote }}
{{- with $c.proxyAuth.trustedProxies }}
- name: CODEMILL_PROXY_AUTH__TRUSTED_PROXIES
  value: {{ . | toJson | quote }}
{{- end }}
{{- if .Values.nats.enabled }}
- name: CODEMILL_NATS__URL
  value: {{ include "codemill.natsUrl" . | quote }}
- name: CODEMILL_NATS__BACKEND_USER
  value: {{ .Values.nats.users.backend | quote }}
- name: CODEMILL_NATS__BACKEND_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $s.nats.name }}, key: {{ $s.nats.backendPasswordKey }}}
- name: CODEMILL_NATS__CALLOUT_USER
  value: {{ .Values.nats.users.callout | quote }}
- name: CODEMILL_NATS__CALLOUT_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $s.nats.name }}, key: {{ $s.nats.calloutPasswordKey }}}
- name: CODEMILL_NATS__SYSTEM_USER
  value: {{ .Values.nats.users.system | quote }}
- name: CODEMILL_NATS__SYSTEM_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $s.nats.name }}, key: {{ $s.nats.systemPasswordKey }}}
- name: CODEMILL_NATS__CALLOUT_ISSUER_SEED
  valueFrom:
    secretKeyRef: {name: {{ $s.nats.name }}, key: {{ $s.nats.calloutIssuerSeedKey }}}
# The dedicated nats-callout Deployment answers the callout; API pods then do not.
- name: CODEMILL_NATS__SERVE_CALLOUT
  value: {{ not .Values.nats.callout.enabled | quote }}
{{- end }}
{{- with $c.natsPublicUrl }}
- name: CODEMILL_NATS__PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
{{- with (include "codemill.llmBaseUrl" .) }}
- name: CODEMILL_LLM__BASE_URL
  value: {{ . | quote }}
- name: CODEMILL_LLM__API_KEY
  valueFrom:
    secretKeyRef: {name: {{ $s.llm.name }}, key: {{ $s.llm.apiKeyKey }}, optional: true}
{{- end }}
{{- if .Values.llmCatalogue }}
- name: CODEMILL_LLM__CATALOGUE
  value: /etc/codemill/catalogue.yaml
{{- end }}
{{- with $c.embeddings.baseUrl }}
- name: CODEMILL_EMBEDDINGS__BASE_URL
  value: {{ . | quote }}
{{- end }}
{{- with $c.embeddings.model }}
- name: CODEMILL_EMBEDDINGS__MODEL
  value: {{ . | quote }}
{{- end }}
{{- if or $c.embeddings.baseUrl (include "codemill.llmBaseUrl" .) }}
- name: CODEMILL_EMBEDDINGS__API_KEY
  valueFrom:
    secretKeyRef: {name: {{ $s.llm.name }}, key: {{ $s.llm.apiKeyKey }}, optional: true}
{{- end }}
{{- if $c.mermaidUrl }}
- name: CODEMILL_MERMAID__URL
  value: {{ $c.mermaidUrl | quote }}
{{- else if .Values.mermaid.enabled }}
- name: CODEMILL_MERMAID__URL
  value: {{ printf "http://%s:%d" (include "codemill.componentName" (dict "root" . "component" "mermaid")) (int .Values.mermaid.port) | quote }}
{{- end }}
{{- if $c.mcpConnectUrl }}
- name: CODEMILL_MCP_CONNECT__URL
  value: {{ $c.mcpConnectUrl | quote }}
{{- else if .Values.mcpConnect.enabled }}
- name: CODEMILL_MCP_CONNECT__URL
  value: {{ printf "http://%s:%d" (include "codemill.componentName" (dict "root" . "component" "mcp-connect")) (int .Values.mcpConnect.port) | quote }}
{{- end }}
{{- if or $c.mcpConnectUrl .Values.mcpConnect.enabled }}
# The bridge's bearer token: MCP Connect checks it, the API and workers present it.
- name: CODEMILL_MCP_CONNECT__TOKEN
  valueFrom:
    secretKeyRef: {name: {{ $s.mcpConnect.name }}, key: {{ $s.mcpConnect.tokenKey }}}
{{- end }}
{{- with $c.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Writable scratch space for a read-only root filesystem, plus the model catalogue. */}}
{{- define "codemill.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /var/lib/codemill
{{- if .Values.llmCatalogue }}
- name: catalogue
  mountPath: /etc/codemill
  readOnly: true
{{- end }}
{{- end -}}

{{- define "codemill.volumes" -}}
- name: tmp
  emptyDir: {sizeLimit: 1Gi}
- name: data
  emptyDir: {sizeLimit: 2Gi}
{{- if .Values.llmCatalogue }}
- name: catalogue
  configMap:
    name: {{ include "codemill.componentName" (dict "root" . "component" "config") }}
    items:
      - {key: catalogue.yaml, path: catalogue.yaml}
{{- end }}
{{- end -}}

{{/* An exec probe that runs `python -m codemill.doctor --only <components>`: for processes without HTTP. */}}
{{- define "codemill.doctorProbe" -}}
exec:
  command: ["python", "-m", "codemill.doctor", "--only", {{ .only | quote }}, "--timeout", "5"]
{{- end -}}

{{/* NetworkPolicy ingress rules of one component (see networkpolicy.yaml). */}}
{{- define "codemill.networkPolicyIngress" -}}
{{- $root := .root -}}
{{- $np := .root.Values.networkPolicy -}}
{{- $enabled := .enabled -}}
{{- range $peer := get .rules .component }}
{{- $parts := splitList ":" $peer }}
{{- $from := index $parts 0 }}
{{- if or (hasPrefix "@" $from) (get $enabled $from) }}
- from:
    {{- if eq $from "@ingress" }}
    - namespaceSelector:
        {{- toYaml $np.ingressController.namespaceSelector | nindent 8 }}
    {{- else if eq $from "@prometheus" }}
    - namespaceSelector:
        {{- toYaml $np.prometheus.namespaceSelector | nindent 8 }}
    {{- else }}
    - podSelector:
        matchLabels:
          {{- include "codemill.selectorLabels" (dict "root" $root "component" $from) | nindent 10 }}
    {{- end }}
  ports:
    - {port: {{ index $parts 1 | int }}, protocol: TCP}
{{- end }}
{{- end }}
{{- if and (eq .component "nats-edge") $root.Values.nats.external.enabled }}
# Plugins from outside the cluster (through the TLS LoadBalancer).
- from:
    {{- range (default (list "0.0.0.0/0") $root.Values.nats.external.loadBalancerSourceRanges) }}
    - ipBlock: {cidr: {{ . | quote }}}
    {{- end }}
  ports:
    - {port: 4222, protocol: TCP}
{{- end }}
{{- end -}}


{{/* NATS server configuration shared by the in-cluster and edge servers (accounts, callout, routes). */}}
{{- define "codemill.natsServerConfig" -}}
http_port: 8222
server_name: $POD_NAME
max_payload: {{ int .Values.nats.maxPayload }}
{{- if .Values.nats.external.enabled }}
cluster {
  name: {{ .Release.Name }}
  port: 6222
  routes: [ "nats-route://{{ include "codemill.componentName" (dict "root" . "component" "nats") }}-routes:6222" ]
}
{{- end }}
# Accounts as Codemill's embedded server has them (codemill/plugins/nats_config.py): AUTH holds
# the callout service, PLUGINS the backend and every plugin user the callout admits, SYS the system user.
accounts {
  AUTH {
    users: [{ user: {{ .Values.nats.users.callout | quote }}, password: $NATS_CALLOUT_PASSWORD }]
  }
  PLUGINS {
    users: [{ user: {{ .Values.nats.users.backend | quote }}, password: $NATS_BACKEND_PASSWORD }]
  }
  SYS {
    users: [{ user: {{ .Values.nats.users.system | quote }}, password: $NATS_SYSTEM_PASSWORD }]
  }
}
system_account: SYS
{{- if .Values.nats.calloutIssuerPublicKey }}
authorization {
  auth_callout {
    issuer: {{ .Values.nats.calloutIssuerPublicKey | quote }}
    account: AUTH
    auth_users: [ {{ .Values.nats.users.callout | quote }}, {{ .Values.nats.users.backend | quote }}, {{ .Values.nats.users.system | quote }} ]
  }
}
{{- else }}
# nats.calloutIssuerPublicKey is unset: no auth callout, so plugins cannot connect yet.
{{- end }}
{{- end -}}

{{/* A NATS server Deployment: dict root, component (nats | nats-edge), config (file name), replicas, tls. */}}
{{- define "codemill.natsDeployment" -}}
{{- $root := .root -}}
{{- $ctx := dict "root" $root "component" .component -}}
{{- $s := $root.Values.secrets.nats -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "codemill.metadata" (dict "root" $root "component" .component "skips" (include "codemill.appSkips" $root | fromJsonArray)) | nindent 2 }}
spec:
  replicas: {{ .replicas }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "codemill.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "codemill.labels" $ctx | nindent 8 }}
        {{- if $root.Values.nats.external.enabled }}
        codemill.io/nats-cluster: {{ $root.Release.Name | quote }}
        {{- end }}
      annotations:
        checksum/config: {{ $root.Values.nats | toJson | sha256sum }}
        prometheus.io/scrape: "false"
    spec:
      automountServiceAccountToken: false
      {{- include "codemill.podSecurityContext" $root | nindent 6 }}
      containers:
        - name: nats
          image: {{ include "codemill.thirdPartyImage" $root.Values.nats.image }}
          imagePullPolicy: {{ $root.Values.nats.image.pullPolicy }}
          command: ["nats-server", "--config", "/etc/nats/config/{{ .config }}"]
          ports:
            - {name: client, containerPort: 4222, protocol: TCP}
            - {name: monitor, containerPort: 8222, protocol: TCP}
            {{- if $root.Values.nats.external.enabled }}
            - {name: routes, containerPort: 6222, protocol: TCP}
            {{- end }}
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef: {fieldPath: metadata.name}
            - name: NATS_CALLOUT_PASSWORD
              valueFrom:
                secretKeyRef: {name: {{ $s.name }}, key: {{ $s.calloutPasswordKey }}}
            - name: NATS_BACKEND_PASSWORD
              valueFrom:
                secretKeyRef: {name: {{ $s.name }}, key: {{ $s.backendPasswordKey }}}
            - name: NATS_SYSTEM_PASSWORD
              valueFrom:
                secretKeyRef: {name: {{ $s.name }}, key: {{ $s.systemPasswordKey }}}
          startupProbe:
            httpGet: {path: /healthz, port: monitor}
            periodSeconds: 2
            failureThreshold: 30
          readinessProbe:
            httpGet: {path: /healthz, port: monitor}
            periodSeconds: 10
          livenessProbe:
            httpGet: {path: /healthz, port: monitor}
            periodSeconds: 20
          resources:
            {{- toYaml $root.Values.nats.resources | nindent 12 }}
          {{- include "codemill.containerSecurityContext" $root | nindent 10 }}
          volumeMounts:
            - {name: config, mountPath: /etc/nats/config, readOnly: true}
            {{- if .tls }}
            - {name: tls, mountPath: /etc/nats/tls, readOnly: true}
            {{- end }}
      volumes:
        - name: config
          configMap:
            name: {{ include "codemill.componentName" (dict "root" $root "component" "nats") }}
        {{- if .tls }}
        - name: tls
          secret:
            secretName: {{ $root.Values.nats.external.tlsSecretName }}
        {{- end }}
{{- end -}}
