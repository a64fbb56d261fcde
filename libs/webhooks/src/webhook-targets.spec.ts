import { isPublicAddress, resolveTarget, webhookUrlProblem } from './webhook-targets';

describe('webhook targets', () => {
  it('should tell public addresses from private, loopback, link-local and mapped ones', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(address)).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.0.0.5',
      '172.16.3.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      expect(isPublicAddress(address)).toBe(false);
    }
  });

  it('should refuse a host resolving to a loopback address unless private targets are allowed', async () => {
    await expect(resolveTarget('localhost', false)).rejects.toThrow(/private, loopback or link-local/);
    await expect(resolveTarget('127.0.0.1', true)).resolves.toEqual({ address: '127.0.0.1', family: 4 });
    await expect(resolveTarget('[::1]', false)).rejects.toThrow(/::1/);
  });

  it('should accept https URLs and refuse http, credentials and private literals by configuration', () => {
    const strict = { allowHttp: false, allowPrivate: false };
    expect(webhookUrlProblem('https://hooks.example.com/x?a=1', strict)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', strict)).toMatch(/https/);
    expect(webhookUrlProblem('http://hooks.example.com/x', { ...strict, allowHttp: true })).toBeNull();
    expect(webhookUrlProblem('ftp://hooks.example.com/x', { ...strict, allowHttp: true })).toMatch(/http or https/);
    expect(webhookUrlProblem('https://a:b@hooks.example.com/', strict)).toMatch(/credentials/);
    expect(webhookUrlProblem('https://10.0.0.1/', strict)).toMatch(/private/);
    expect(webhookUrlProblem('https://10.0.0.1/', { ...strict, allowPrivate: true })).toBeNull();
  });
});
