module gitlab-posture/pulumi-cli

go 1.25.11

// pkg/v3's own go.mod replaces sdk/v3 with ../sdk (the repo checkout) and pins this clipboard fork;
// a wrapper module is the only way to build it from the module proxy.
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e

require (
	github.com/pulumi/pulumi/pkg/v3 v3.248.0
	github.com/pulumi/pulumi/sdk/v3 v3.248.0
)
