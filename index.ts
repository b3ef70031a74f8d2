// Pulumi program: baseline.yaml -> the hardened settings of every targeted group and project as resources
// (provider/). Config: gitlab-posture:baseline (default baseline.yaml), gitlab:url, secret gitlab:token; see
// docs/pulumi.md. The stack outputs are a per-target summary of what is declared, waived and skipped.
import { runProgram } from './provider/program';

export = runProgram;
