// The tool's name and home, as SARIF reports (check's and detect's) and the HTML footer name it.
export const TOOL_NAME = 'gitlab-posture';
export const INFORMATION_URI = 'https://gitlab.com/gitlab-posture/gitlab-posture';
