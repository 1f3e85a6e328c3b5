import { forbidden } from '../../../../lib/kernel/errors';
import { money } from '../../../../lib/kernel/money';
import { canManage, isBooker } from '../access';
import type { BookingResolvers } from '../generated/graphql';
import type { Context } from '../context';
import type { BookingModel, FacilityModel } from '../models';
import { cancellableUntil } from '../rules';

async function facilityOf(booking: BookingModel, { loaders }: Context): Promise<FacilityModel> {
  return (await loaders.facility.load(booking.facilityId))!;
}

export const Booking: BookingResolvers = {
  facility: (booking, _, context) => facilityOf(booking, context),

  notice: async (booking, _, context) => {
    if (booking.status === 'CANCELLED' || booking.status === 'DECLINED') return booking.statusReason;
    const facility = await facilityOf(booking, context);
    if (facility.status === 'SUSPENDED' && booking.endsAt > new Date()) {
      return `设施暂停 The facility is suspended${facility.statusReason ? `: ${facility.statusReason}` : ''}. Your booking is kept.`;
    }
    return null;
  },

  price: (booking) => (booking.price === null ? null : money(booking.price)),

  bookerOrganization: (booking) => (booking.bookerOrg ? { id: booking.bookerOrg } : null),

  // Readers of a booking are its booker and its managers already; checked again so the field
  // stays private should a booking ever be reachable another way.
  booker: async (booking, _, context) => {
    if (isBooker(context.viewer, booking) || canManage(context.viewer, await facilityOf(booking, context))) return booking.booker;
    throw forbidden("A booking's booker is for the booker and the facility's managers.");
  },

  cancellableUntil: async (booking, _, context) => cancellableUntil(booking.startsAt, await facilityOf(booking, context)),
};
