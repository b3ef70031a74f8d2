// pulumi-language-nodejs for this repository's own use: the Pulumi engine's Node.js language host.
//
// Pulumi's own host lives in github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, a module the Go
// module proxy does not serve, so scripts/pulumi-cli.sh builds this one instead. It implements the parts of the
// LanguageRuntime gRPC service (sdk/v3 proto/go/language.proto) that `pulumi preview|up|refresh|destroy` and
// `--policy-pack` use: Run starts `@pulumi/pulumi/cmd/run` with node, RunPlugin starts a policy pack through
// pulumi-analyzer-policy. Programs with provider plugins (package.json `pulumi.resource`), `pulumi new`,
// `pulumi install`, `pulumi package` and code generation are out of scope and answer Unimplemented.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Set with -ldflags -X by scripts/pulumi-cli.sh (the @pulumi/pulumi version it was built for).
var version = "3.0.0-dev"

// The Node.js SDK exits with this code after it has logged a user-facing error itself (cmd/run/index.ts):
// the engine is then told to bail without a second message.
const exitAfterLoggedError = 32

func main() {
	// The engine passes its logging and tracing flags before the engine address (newPlugin in
	// sdk/go/common/resource/plugin/plugin.go); none of them changes what this host does.
	flags := flag.NewFlagSet("pulumi-language-nodejs", flag.ContinueOnError)
	tracing := flags.String("tracing", "", "Zipkin-compatible tracing endpoint")
	flags.Bool("logtostderr", false, "")
	flags.Bool("logflow", false, "")
	flags.Int("v", 0, "")
	flags.String("root", "", "")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	engineAddress := ""
	if flags.NArg() > 0 {
		engineAddress = flags.Arg(flags.NArg() - 1)
	}

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: node is not on PATH")
		os.Exit(1)
	}

	host := &nodeHost{node: nodeBin, engine: engineAddress, tracing: *tracing}
	cancel := make(chan bool)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	node    string
	engine  string
	tracing string

	mu      sync.Mutex
	running []*exec.Cmd
}

func (h *nodeHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.engine = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// No provider plugins to report: the program's only provider is the dynamic one (pulumi-resource-pulumi-nodejs),
// which the engine finds on PATH. A program that needs provider plugins is out of scope (see the file comment).
func (h *nodeHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *nodeHost) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *nodeHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *nodeHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.CommandContext(ctx, h.node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: h.node, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "v")}, nil
}

func (h *nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return status.Error(codes.Unimplemented, "this pulumi-language-nodejs does not install dependencies: run npm ci")
}

// Run starts the program the way Pulumi's Node.js host does: node @pulumi/pulumi/cmd/run with the engine's
// addresses as flags and the stack config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS (read by
// @pulumi/pulumi runtime/config.ts).
func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := req.GetPwd()
	entryPoint := req.GetProgram()
	var options map[string]any
	if info != nil {
		programDir = info.GetProgramDirectory()
		entryPoint = info.GetEntryPoint()
		options = info.GetOptions().AsMap()
	}
	if entryPoint == "" {
		entryPoint = "."
	}

	runPath, err := findModule(programDir, filepath.Join("@pulumi", "pulumi", "cmd", "run"))
	if err != nil {
		return nil, err
	}

	args := nodeArgs(options)
	args = append(args, runPath)
	flagIf := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	flagIf("monitor", req.GetMonitorAddress())
	flagIf("engine", h.engine)
	flagIf("organization", req.GetOrganization())
	flagIf("project", req.GetProject())
	flagIf("stack", req.GetStack())
	flagIf("pwd", programDir)
	if info != nil {
		flagIf("root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		flagIf("parallel", fmt.Sprint(req.GetParallel()))
	}
	flagIf("tracing", h.tracing)
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("serializing the stack config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("serializing the secret config keys: %w", err)
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+fmt.Sprint(optionBool(options, "typescript", true)),
	)
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	cmd := exec.Command(h.node, args...)
	cmd.Dir = programDir
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = h.start(cmd)
	if err == nil {
		err = cmd.Wait()
	}
	h.forget(cmd)
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == exitAfterLoggedError:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with %s: %v", h.node, err)}, nil
	}
}

// RunPlugin starts a Node.js policy pack (kind "analyzer") the way the release archive's pulumi-analyzer-policy
// script does; the engine reads the analyzer's port from the streamed stdout.
func (h *nodeHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != "analyzer" {
		return status.Errorf(codes.Unimplemented, "this pulumi-language-nodejs runs policy packs only, not %q plugins", req.GetKind())
	}
	packDir := req.GetInfo().GetProgramDirectory()
	if packDir == "" {
		packDir = req.GetPwd()
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	script := filepath.Join(filepath.Dir(self), "pulumi-analyzer-policy")
	args := append(append([]string{}, req.GetArgs()...), packDir)

	cmd := exec.Command(script, args...)
	cmd.Dir = packDir
	cmd.Env = os.Environ()
	if len(req.GetEnv()) > 0 {
		cmd.Env = append(cmd.Env, req.GetEnv()...)
	}
	stdout := &streamWriter{send: func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	stderr := &streamWriter{send: func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	if err := h.start(cmd); err != nil {
		return fmt.Errorf("starting %s: %w", script, err)
	}
	go func() {
		// The engine cancels the stream when it is done with the analyzer.
		<-server.Context().Done()
		_ = cmd.Process.Kill()
	}()
	err = cmd.Wait()
	h.forget(cmd)
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		return err
	}
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

func (h *nodeHost) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, cmd := range h.running {
		_ = cmd.Process.Kill()
	}
	return &emptypb.Empty{}, nil
}

func (h *nodeHost) start(cmd *exec.Cmd) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := cmd.Start(); err != nil {
		return err
	}
	h.running = append(h.running, cmd)
	return nil
}

func (h *nodeHost) forget(cmd *exec.Cmd) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, c := range h.running {
		if c == cmd {
			h.running = append(h.running[:i], h.running[i+1:]...)
			return
		}
	}
}

// findModule resolves a file of an npm package from dir upwards, as Node's require does for node_modules.
func findModule(dir, rel string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "node_modules", rel)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("%s not found in node_modules above %s: run npm ci", filepath.ToSlash(rel), abs)
}

// nodeArgs is the Pulumi.yaml runtime option `nodeargs` (space-separated flags for node).
func nodeArgs(options map[string]any) []string {
	if s, ok := options["nodeargs"].(string); ok {
		return strings.Fields(s)
	}
	return nil
}

func optionBool(options map[string]any, key string, def bool) bool {
	switch v := options[key].(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return def
}

// streamWriter forwards a child's output to the gRPC stream; copies because the caller reuses its buffer.
type streamWriter struct {
	mu   sync.Mutex
	send func([]byte) error
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.send(bytes.Clone(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

var _ io.Writer = (*streamWriter)(nil)
