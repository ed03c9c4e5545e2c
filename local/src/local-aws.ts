/** SDK client settings for the local emulators: loopback endpoint, fixed region, made-up credentials. */
export function localAwsConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}
