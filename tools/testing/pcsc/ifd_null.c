// SPDX-License-Identifier: GPL-2.0
/*
 * ifd_null - the floor of PC/SC for "make bench": a pcsc-lite driver that
 * costs nothing. Its reader always holds a T=0 card, which answers every
 * command at once from memory: P3 bytes 00 01 02 ... and 90 00. What
 * pcscd and its IPC cost with it is what any driver costs at least.
 * reader.conf.d: DEVICENAME /dev/null:null, LIBPATH .../libifd-null.so.
 *
 * DEVICENAME /dev/null:busy=US makes every exchange spend US microseconds
 * on the CPU first: the bench's control of what pcscd costs around a
 * driver that takes time (a client then tends to preempt pcscd between
 * the two writes of its answer), without any driver logic.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ifdhandler.h>

static long busy_ns;

static const UCHAR atr[] = {
	0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74, 0x65, 0x20, 0x63,
	0x64, 0x31, 0x34, 0x34,
};

RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName)
{
	const char *busy = strstr(DeviceName, ":busy=");

	(void)Lun;
	if (busy)
		busy_ns = strtol(busy + 6, NULL, 10) * 1000;
	return IFD_SUCCESS;
}

static long long null_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

RESPONSECODE IFDHCreateChannel(DWORD Lun, DWORD Channel)
{
	(void)Lun;
	(void)Channel;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHCloseChannel(DWORD Lun)
{
	(void)Lun;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHGetCapabilities(DWORD Lun, DWORD Tag, PDWORD Length,
				 PUCHAR Value)
{
	(void)Lun;
	if (Tag == TAG_IFD_ATR && *Length >= sizeof(atr)) {
		memcpy(Value, atr, sizeof(atr));
		*Length = sizeof(atr);
		return IFD_SUCCESS;
	}
	if ((Tag == TAG_IFD_SLOTS_NUMBER ||
	     Tag == TAG_IFD_SIMULTANEOUS_ACCESS) && *Length >= 1) {
		Value[0] = 1;
		*Length = 1;
		return IFD_SUCCESS;
	}
	return IFD_ERROR_TAG;
}

RESPONSECODE IFDHSetCapabilities(DWORD Lun, DWORD Tag, DWORD Length,
				 PUCHAR Value)
{
	(void)Lun;
	(void)Tag;
	(void)Length;
	(void)Value;
	return IFD_ERROR_TAG;
}

RESPONSECODE IFDHSetProtocolParameters(DWORD Lun, DWORD Protocol,
				       UCHAR Flags, UCHAR PTS1, UCHAR PTS2,
				       UCHAR PTS3)
{
	(void)Lun;
	(void)Flags;
	(void)PTS1;
	(void)PTS2;
	(void)PTS3;
	return Protocol == SCARD_PROTOCOL_T0 ? IFD_SUCCESS :
					       IFD_PROTOCOL_NOT_SUPPORTED;
}

RESPONSECODE IFDHPowerICC(DWORD Lun, DWORD Action, PUCHAR Atr,
			  PDWORD AtrLength)
{
	(void)Lun;
	if (Action == IFD_POWER_DOWN) {
		*AtrLength = 0;
		return IFD_SUCCESS;
	}
	memcpy(Atr, atr, sizeof(atr));
	*AtrLength = sizeof(atr);
	return IFD_SUCCESS;
}

RESPONSECODE IFDHTransmitToICC(DWORD Lun, SCARD_IO_HEADER SendPci,
			       PUCHAR TxBuffer, DWORD TxLength,
			       PUCHAR RxBuffer, PDWORD RxLength,
			       PSCARD_IO_HEADER RecvPci)
{
	DWORD i, n = TxLength == 5 ? TxBuffer[4] : 0;

	(void)Lun;
	(void)SendPci;
	(void)RecvPci;
	if (busy_ns) {
		long long end = null_now_ns() + busy_ns;

		while (null_now_ns() < end)
			;
	}
	if (*RxLength < n + 2) {
		*RxLength = 0;
		return IFD_COMMUNICATION_ERROR;
	}
	for (i = 0; i < n; i++)
		RxBuffer[i] = i;
	RxBuffer[n] = 0x90;
	RxBuffer[n + 1] = 0x00;
	*RxLength = n + 2;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHControl(DWORD Lun, DWORD dwControlCode, PUCHAR TxBuffer,
			 DWORD TxLength, PUCHAR RxBuffer, DWORD RxLength,
			 LPDWORD pdwBytesReturned)
{
	(void)Lun;
	(void)dwControlCode;
	(void)TxBuffer;
	(void)TxLength;
	(void)RxBuffer;
	(void)RxLength;
	*pdwBytesReturned = 0;
	return IFD_ERROR_NOT_SUPPORTED;
}

RESPONSECODE IFDHICCPresence(DWORD Lun)
{
	(void)Lun;
	return IFD_ICC_PRESENT;
}
