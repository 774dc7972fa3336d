import { describe, expect, it } from 'vitest';
import { detectSerialPorts } from '../../../devices/transports/serial-ports';

describe('serial port detection for `devices list`', () => {
  it('reports what udev lists, with lowercase USB ids', async () => {
    const listing = await detectSerialPorts(async () => [
      { path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A6008isP', pnpId: undefined, locationId: undefined, vendorId: '0403', productId: '6001' },
    ]);
    expect(listing).toEqual({ ports: [{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A6008isP', vendorId: '0403', productId: '6001' }] });
  });

  it('falls back to /dev when the udev listing fails (containers without udevadm), saying why', async () => {
    const listing = await detectSerialPorts(async () => {
      throw new Error('spawn udevadm ENOENT');
    });
    expect(listing.note).toMatch(/spawn udevadm ENOENT.*listed from \/dev/);
    for (const port of listing.ports) expect(port.path).toMatch(/^\/dev\/(tty(USB|ACM|AMA|XRUSB|WCH)\d+|rfcomm\d+)$/);
  });
});
