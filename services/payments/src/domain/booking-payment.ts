import type { Mode } from '@basis/shared';

/** Which PaymentIntent a booking's payment is, per mode: at most one, claimed by a conditional write. */
export interface BookingPayment {
  clinicId: string;
  mode: Mode;
  bookingId: string;
  paymentId: string | null;
  /** The Idempotency-Key that creates the PaymentIntent: every attempt for this booking sends the same one. */
  idempotencyKey: string;
  createdAt: string;
  /**
   * true once its PaymentIntent was canceled: the booking may be claimed again, and the next PaymentIntent is made
   * with the `idempotencyKey` the release set.
   */
  released?: boolean;
}
